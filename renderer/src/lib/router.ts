// Hash routes: #/containers, #/containers/<id>/<tab>, #/images, #/images/<id>, #/events, #/system, #/settings.
import { useEffect, useState } from 'react';

export interface Route { page: string; id?: string | undefined; tab?: string | undefined }

export function parseRoute(hash: string): Route {
  const [page = 'containers', id, tab] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { page: page || 'containers', id: id || undefined, tab: tab || undefined };
}

export function go(page: string, id?: string, tab?: string): void {
  location.hash = '#/' + [page, id, tab].filter(Boolean).map((s) => encodeURIComponent(s as string)).join('/');
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

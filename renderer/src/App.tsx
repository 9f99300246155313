// The window: a sidebar (pages + engine state) and the current page.
import { useEffect, type MouseEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useApi, useConnection, useStream } from './api/api';
import { useRoute, go } from './lib/router';
import { applyTheme } from './lib/theme';
import { setScrollback, setTerminalRenderer } from './terminal/sessions';
import { ImagesPage } from './pages/ImagesPage';
import { ImageDetailsPage } from './pages/ImageDetailsPage';
import { ContainersPage } from './pages/ContainersPage';
import { ContainerPage } from './pages/ContainerPage';
import { EventsPage } from './pages/EventsPage';
import { VolumesPage } from './pages/volumes/VolumesPage';
import { NetworksPage } from './pages/networks/NetworksPage';
import { SystemPage } from './pages/SystemPage';
import { SettingsPage } from './pages/SettingsPage';
import { BuildPage } from './pages/image-build/BuildPage';
import { ErrorBox } from './components/Notice';
import { ErrorBoundary } from './components/ErrorBoundary';
import { KeyboardShortcuts } from './components/KeyboardShortcuts';

const NAV = [
  { page: 'containers', label: 'Containers', icon: '▣' },
  { page: 'images', label: 'Images', icon: '◫' },
  { page: 'volumes', label: 'Volumes', icon: '⛁' },
  { page: 'networks', label: 'Networks', icon: '⇄' },
  { page: 'events', label: 'Events', icon: '≋' },
  { page: 'system', label: 'System', icon: '⚙' },
  { page: 'settings', label: 'Settings', icon: '☰' },
];

function EngineBadge() {
  const status = useApi('engine.status', {}, { refetchInterval: 5000 });
  const s = status.data;
  const color = !s ? 'bg-slate-400' : s.connected ? 'bg-emerald-500' : 'bg-red-500';
  const sup = s?.supervisor;
  return (
    <div className="border-t border-slate-200 p-3 text-xs dark:border-slate-800" aria-live="polite" title={s ? `${s.connected ? 'Connected' : 'Not reachable'}: ${s.host}` : undefined}>
      <div className="flex items-center gap-2 max-lg:justify-center">
        <span className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${color}`} aria-hidden />
        <span className="font-semibold max-lg:sr-only">{s ? (s.connected ? `${s.kind === 'unknown' ? 'Engine' : s.kind} ${s.version ?? ''}` : 'Engine not reachable') : 'Checking engine…'}</span>
      </div>
      <div className="mt-1 truncate text-slate-500 max-lg:sr-only dark:text-slate-400" title={s?.host}>{s?.host}</div>
      {sup && <div className="mt-1 text-slate-500 max-lg:sr-only dark:text-slate-400">berthd: {sup.phase}{sup.restarts ? ` · ${sup.restarts} restarts` : ''}</div>}
      {s && !s.connected && <button className="mt-2 text-accent-600 underline max-lg:sr-only dark:text-accent-300" onClick={() => go('settings')}>Connect an engine…</button>}
    </div>
  );
}

/** Keeps lists fresh: any engine event invalidates the container and image queries. */
function EventInvalidator() {
  const qc = useQueryClient();
  useStream('events', {}, (e) => {
    if (e.type === 'container') void qc.invalidateQueries({ queryKey: ['containers.list'] });
    if (e.type === 'image') void qc.invalidateQueries({ queryKey: ['images.list'] });
    if (e.type === 'volume' || e.type === 'container') void qc.invalidateQueries({ queryKey: ['volumes.list'] });
    if (e.type === 'network' || e.type === 'container') void qc.invalidateQueries({ queryKey: ['networks.list'] });
  });
  return null;
}

function skipToMain(e: MouseEvent<HTMLAnchorElement>): void {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

/** The navigation entry a page belongs under: building an image is part of Images. */
function navPage(page: string): string {
  return page === 'build' ? 'images' : page;
}

export function App() {
  const route = useRoute();
  const conn = useConnection();
  const settings = useApi('settings.get', {});
  // The saved scrollback applies from the first terminal on, not only after a change in Settings.
  useEffect(() => { if (settings.data) { applyTheme(settings.data.theme); setScrollback(settings.data.scrollback); setTerminalRenderer(settings.data.terminalRenderer); } }, [settings.data]);
  let page;
  if (route.page === 'images' && route.id) page = <ImageDetailsPage id={route.id} section={route.tab} />;
  else if (route.page === 'images') page = <ImagesPage />;
  else if (route.page === 'build') page = <BuildPage />;
  else if (route.page === 'containers' && route.id) page = <ContainerPage id={route.id} tab={route.tab ?? 'logs'} />;
  else if (route.page === 'volumes') page = <VolumesPage open={route.id} />;
  else if (route.page === 'networks') page = <NetworksPage open={route.id} />;
  else if (route.page === 'events') page = <EventsPage />;
  else if (route.page === 'system') page = <SystemPage />;
  else if (route.page === 'settings') page = <SettingsPage />;
  else page = <ContainersPage />;
  return (
    <div className="flex h-full">
      {/* The hash is the router's: following #main would leave the page, so the link moves the focus itself. */}
      <a href="#main" onClick={skipToMain} className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:bg-white focus:p-2 dark:focus:bg-slate-900">Skip to content</a>
      {/* Below lg (a narrow window) the navigation keeps its icons only: the page gets the width. */}
      <nav aria-label="Main" className="flex w-14 shrink-0 flex-col lg:w-52 border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="flex items-center gap-2 px-3.5 py-4 text-lg font-bold tracking-tight lg:px-4">
          <span className="grid h-7 w-7 place-items-center rounded-md bg-accent-600 text-sm text-white" aria-hidden>B</span> <span className="max-lg:sr-only">Berth</span>
        </div>
        <ul className="flex-1 space-y-0.5 px-2">
          {NAV.map((n) => (
            <li key={n.page}>
              <a href={`#/${n.page}`} aria-current={navPage(route.page) === n.page ? 'page' : undefined} title={n.label}
                className={`flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium max-lg:justify-center max-lg:px-0 ${route.page === n.page ? 'bg-accent-50 text-accent-700 dark:bg-slate-800 dark:text-white' : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'}`}>
                <span aria-hidden className="w-4 text-center">{n.icon}</span><span className="max-lg:sr-only">{n.label}</span>
              </a>
            </li>
          ))}
        </ul>
        <KeyboardShortcuts pages={NAV.map((n) => n.page)} />
        <EngineBadge />
      </nav>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 overflow-auto focus:outline-none">
        {conn.state === 'closed' && <div className="p-4"><ErrorBox title="Lost the connection to the app" message={conn.detail ?? 'Reconnecting…'} /></div>}
        {conn.state === 'open' && <EventInvalidator />}
        <ErrorBoundary resetKey={`${route.page}/${route.id ?? ''}/${route.tab ?? ''}`}>{page}</ErrorBoundary>
      </main>
    </div>
  );
}

// Every route the daemon serves, from one list. A new resource adds its module here.
import type { Route } from '../context.js';
import { systemRoutes } from './system.js';
import { imageRoutes } from './images.js';
import { imageArchiveRoutes } from './image-archive.js';
import { commitRoutes } from './commit.js';
import { registryRoutes } from './registry.js';
import { emptyPruneRoutes } from './prune-empty.js';
import { networkRoutes } from './networks.js';
import { buildRoutes } from './build.js';

export const allRoutes: Route[] = [
  ...systemRoutes,
  // Before imageRoutes: the registry's /images/search answers instead of the local one.
  ...registryRoutes,
  ...imageRoutes,
  ...imageArchiveRoutes,
  ...commitRoutes,
  ...emptyPruneRoutes,
  ...networkRoutes,
  ...buildRoutes,
];

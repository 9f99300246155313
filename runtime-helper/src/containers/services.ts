// Everything the container, exec and volume routes use, built once by the daemon.
import type { ContainerManager } from './manager.js';
import type { ExecSessions } from './exec-sessions.js';
import type { VolumeStore } from '../volumes/volume-store.js';
import type { ImageAccess } from './image-access.js';

export interface ContainerServices {
  manager: ContainerManager;
  execs: ExecSessions;
  volumes: VolumeStore;
  images: ImageAccess;
}

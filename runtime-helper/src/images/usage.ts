// What the image store needs to know about containers, reported by the container lifecycle
// (which registers a provider at start). Until then no container uses any image.
export interface ImageUser { containerId: string; running: boolean }

export interface ContainerCatalog {
  /** Containers created from this image ID. */
  usersOfImage(imageId: string): ImageUser[];
  counts(): { total: number; running: number; paused: number; stopped: number };
}

export const emptyCatalog: ContainerCatalog = {
  usersOfImage: () => [],
  counts: () => ({ total: 0, running: 0, paused: 0, stopped: 0 }),
};

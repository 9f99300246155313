// Load and import commit blobs and layers before the image record that references them exists:
// a lease pins them until then, and what a failed run committed is referenced by nothing, so it
// is collected at once.
import type { ImageService } from '../image-service.js';
import type { Lease } from '../gc-lease.js';

export async function underLease<T>(svc: ImageService, work: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = svc.lease();
  let failed = false;
  try {
    return await work(lease);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    lease.release();
    if (failed) svc.gc.collectQuietly();
  }
}

// A layer that cannot be applied safely: a 400 with a message naming the entry.
import { InvalidParameter } from '../../api/errors.js';

export class LayerError extends InvalidParameter {}

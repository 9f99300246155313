import { describe, expect, it } from 'vitest';
import { ownerNames } from './owner-names.js';

describe('ownerNames', () => {
  it('takes the first line per id and skips comments, NIS entries and short lines', () => {
    const names = ownerNames(
      '# c\ntoor:x:0:0:root:/root:/bin/sh\n+nis:x:5:5::/:/bin/sh\nshort:x:7\ntwice:x:0:0::/:/bin/sh\n  berth:x:1000:1000::/home:/bin/sh  \nbad:x:abc:1::/:\n',
      'root:x:0:\nwheel:x:10:root\n-grp:x:11:\nnomembers:x:12\nnogroup:x:65534:\n',
    );
    expect([0, 5, 7, 1000, 4242].map((u) => names.user(u))).toEqual(['root', '', '', 'berth', '']);
    expect([0, 10, 11, 12, 65534].map((g) => names.group(g))).toEqual(['root', 'wheel', '', '', 'nogroup']);
  });

  it('gives no names for missing files, except root for id 0 (as dockerd 20.10)', () => {
    const names = ownerNames('', '');
    expect([names.user(0), names.group(0), names.user(1000), names.group(1000)]).toEqual(['root', 'root', '', '']);
  });
});

import { describe, it, expect } from 'vitest';
import { parseManifest, selectPlatform, parsePlatform, compressionOf, isForeignLayer, mediaTypes, type ImageIndex } from './manifest.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('parseManifest', () => {
  const image = { schemaVersion: 2, mediaType: mediaTypes.dockerManifest, config: { mediaType: mediaTypes.dockerConfig, digest: d('a'), size: 10 }, layers: [{ mediaType: mediaTypes.dockerLayer, digest: d('b'), size: 5 }] };

  it('reads Docker and OCI manifests and indexes, by header or by body', () => {
    expect(parseManifest(Buffer.from(JSON.stringify(image)), undefined, 'm', 127).kind).toBe('image');
    const { mediaType: _m, ...oci } = image;
    expect(parseManifest(Buffer.from(JSON.stringify(oci)), mediaTypes.ociManifest, 'm', 127).mediaType).toBe(mediaTypes.ociManifest);
    expect(parseManifest(Buffer.from(JSON.stringify(oci)), 'application/octet-stream', 'm', 127).mediaType).toBe(mediaTypes.ociManifest);
    expect(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] })), undefined, 'm', 127).kind).toBe('index');
  });

  it('refuses bad manifests with clear errors', () => {
    expect(() => parseManifest(Buffer.from('{'), undefined, 'pull x', 127)).toThrow(/pull x: manifest is not valid JSON/);
    expect(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 1, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' })), undefined, 'm', 127)).toThrow(/schema 1/);
    expect(() => parseManifest(Buffer.from(JSON.stringify({ ...image, layers: [{ ...image.layers[0], digest: 'sha256:xyz' }] })), undefined, 'm', 127)).toThrow(/layers\.0\.digest/);
    expect(() => parseManifest(Buffer.from(JSON.stringify({ ...image, layers: Array(200).fill(image.layers[0]) })), undefined, 'm', 127)).toThrow(/200 layers, more than the limit of 127/);
    expect(() => parseManifest(Buffer.from(JSON.stringify({ hello: 1 })), undefined, 'm', 127)).toThrow(/unsupported manifest type/);
  });
});

describe('platforms', () => {
  const index: ImageIndex = {
    schemaVersion: 2,
    manifests: [
      { mediaType: mediaTypes.ociManifest, digest: d('1'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { mediaType: mediaTypes.ociManifest, digest: d('2'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { mediaType: mediaTypes.ociManifest, digest: d('3'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: mediaTypes.ociManifest, digest: d('4'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'application/vnd.in-toto+json', digest: d('5'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
    ],
  };

  it('parses os/arch/variant and normalises aliases', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('linux/x86_64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/arm')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(() => parsePlatform('linux/a/b/c')).toThrow(/os\/arch\[\/variant\]/);
  });

  it('selects the exact variant, and names what was offered when nothing fits', () => {
    expect(selectPlatform(index, parsePlatform('linux/amd64'), 'p').digest).toBe(d('4'));
    expect(selectPlatform(index, parsePlatform('linux/arm64'), 'p').digest).toBe(d('3'));
    expect(selectPlatform(index, parsePlatform('linux/arm/v6'), 'p').digest).toBe(d('1'));
    expect(selectPlatform(index, parsePlatform('linux/arm'), 'p').digest).toBe(d('2'));
    expect(() => selectPlatform(index, parsePlatform('linux/riscv64'), 'pull x')).toThrow('pull x: no manifest for platform linux/riscv64 (offered: linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/amd64)');
  });
});

describe('layer media types', () => {
  it('names compression and foreign layers', () => {
    expect(compressionOf(mediaTypes.ociLayerZstd)).toBe('zstd');
    expect(compressionOf(mediaTypes.dockerLayer)).toBe('gzip');
    expect(compressionOf(mediaTypes.ociLayer)).toBe('none');
    expect(isForeignLayer(mediaTypes.dockerForeignLayer)).toBe(true);
    expect(isForeignLayer(mediaTypes.ociNondistributableGzip)).toBe(true);
    expect(isForeignLayer(mediaTypes.ociLayerGzip)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { isHardwareRenderer, wantsWebgl, webglSummary } from './webgl-renderer';

describe('terminal renderer choice', () => {
  it('takes a GPU for hardware and software WebGL for none', () => {
    expect(isHardwareRenderer('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)')).toBe(true);
    expect(isHardwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(true);
    expect(isHardwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(false);
    expect(isHardwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(false);
    expect(isHardwareRenderer(null)).toBe(false);
  });

  it('uses WebGL when asked, never when told not to, and on auto only with a GPU', () => {
    expect(wantsWebgl('webgl', () => false)).toBe(true);
    expect(wantsWebgl('dom', () => true)).toBe(false);
    expect(wantsWebgl('auto', () => true)).toBe(true);
    expect(wantsWebgl('auto', () => false)).toBe(false);
  });

  it('tells in Settings what Automatic finds', () => {
    expect(webglSummary(null)).toMatch(/no WebGL2: terminals are drawn with page elements/);
    expect(webglSummary('llvmpipe (LLVM 15.0.6, 256 bits)')).toMatch(/software \(llvmpipe.*\): Automatic draws with page elements/);
    expect(webglSummary('ANGLE (AMD, Radeon RX 6600)')).toMatch(/has a GPU \(ANGLE \(AMD, Radeon RX 6600\)\): Automatic draws with it/);
  });
});

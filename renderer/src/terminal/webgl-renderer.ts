// The GPU renderer for terminals: xterm's WebGL addon draws the whole screen from a glyph atlas in
// one draw call, where the DOM renderer rebuilds every changed row as elements that the browser
// must lay out, paint and raster (the costly part of a flood on a slow machine). It is used where
// the browser has hardware WebGL2; a software WebGL (SwiftShader, llvmpipe: headless browsers,
// machines without a usable GPU) keeps the DOM renderer, and so does a lost GPU context.
import type { Terminal } from '@xterm/xterm';
import { WebglAddon } from '@xterm/addon-webgl';

export type RendererChoice = 'auto' | 'webgl' | 'dom';

/** Renderer strings of software WebGL implementations (UNMASKED_RENDERER_WEBGL). */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|lavapipe/i;

/** Whether a WebGL2 renderer name (null: no WebGL2) is a GPU's. */
export function isHardwareRenderer(name: string | null): boolean {
  return name !== null && !SOFTWARE.test(name);
}

// Asked once per page: creating a WebGL context is not free.
let probed: { name: string | null } | undefined;
function webglName(): string | null {
  probed ??= { name: rendererName() };
  return probed.name;
}
function hardwareWebgl(): boolean {
  return isHardwareRenderer(webglName());
}

/** What 'auto' finds in this browser, in words for the Settings page. */
export function webglSummary(name: string | null = webglName()): string {
  if (name === null) return 'This browser has no WebGL2: terminals are drawn with page elements.';
  if (!isHardwareRenderer(name)) return `This browser's WebGL is software (${name}): Automatic draws with page elements.`;
  return `This browser has a GPU (${name}): Automatic draws with it.`;
}

/** The WebGL2 renderer's name, or null without WebGL2. */
function rendererName(): string | null {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return null;
  }
}

/** Whether `choice` means WebGL on this browser (`gpu` tells whether it has a hardware WebGL2). */
export function wantsWebgl(choice: RendererChoice, gpu: () => boolean = hardwareWebgl): boolean {
  return choice === 'webgl' || (choice === 'auto' && gpu());
}

/**
 * Loads the WebGL renderer into an opened terminal; on failure or a lost context the terminal
 * goes back to the DOM renderer by itself (xterm's default). Returns whether WebGL is in use.
 */
export function loadWebglRenderer(term: Terminal, onFallback?: (why: string) => void): boolean {
  let addon: WebglAddon | undefined;
  try {
    addon = new WebglAddon();
    addon.onContextLoss(() => { addon?.dispose(); onFallback?.('the GPU context was lost'); });
    term.loadAddon(addon);
    return true;
  } catch (e) {
    addon?.dispose();
    onFallback?.(`WebGL renderer unavailable: ${(e as Error).message}`);
    return false;
  }
}

// The Content-Security-Policy for the renderer, in Electron and in browser mode. Styles allow
// inline because xterm.js and uPlot inject <style> elements; scripts are only the bundle's own.
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

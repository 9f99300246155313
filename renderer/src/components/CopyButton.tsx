// Copies a text to the clipboard and says so on the button for a moment (or says it could not).
import { useEffect, useState } from 'react';

export function CopyButton({ text, label = 'Copy', title, disabled }: { text: string; label?: string; title?: string; disabled?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  const copy = () => {
    const clip = navigator.clipboard as Clipboard | undefined;
    if (!clip) { setState('failed'); return; }
    clip.writeText(text).then(() => setState('copied'), () => setState('failed'));
  };
  return (
    <button type="button" className="btn btn-sm" title={title} disabled={disabled} onClick={copy}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  );
}

// A focused terminal keeps its hidden input textarea focused, and Chromium blinks that caret (even
// a transparent one) by producing a frame every 500 ms: an idle app with a terminal open would
// never be idle. After IDLE_MS without keys the textarea is made read-only (no caret, no blink,
// focus kept); the next keydown, which comes before any text or composition reaches it, makes it
// writable again.
const IDLE_MS = 2000;

export function stopCaretBlinkWhenIdle(textarea: HTMLTextAreaElement): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rest = () => { textarea.readOnly = true; };
  const wake = () => {
    if (textarea.readOnly) textarea.readOnly = false;
    clearTimeout(timer);
    timer = setTimeout(rest, IDLE_MS);
  };
  textarea.addEventListener('keydown', wake, true);
  textarea.addEventListener('focus', wake);
  timer = setTimeout(rest, IDLE_MS);
  return () => {
    clearTimeout(timer);
    textarea.removeEventListener('keydown', wake, true);
    textarea.removeEventListener('focus', wake);
    textarea.readOnly = false;
  };
}

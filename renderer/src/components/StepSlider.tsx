// A slider over a list of chosen values (so keyboard steps land on round numbers like 64 MiB).
export function StepSlider({ id, label, values, value, format, onChange, disabled }: {
  id: string; label: string; values: number[]; value: number; format: (v: number) => string; onChange: (v: number) => void; disabled?: boolean;
}) {
  let index = values.findIndex((v) => v >= value);
  if (index < 0) index = values.length - 1;
  if (values[index] !== value && index > 0 && value < (values[index] ?? 0)) {
    const lo = values[index - 1] ?? 0;
    if (value - lo < (values[index] ?? 0) - value) index -= 1;
  }
  return (
    <input
      id={id}
      type="range"
      className="w-full"
      min={0}
      max={values.length - 1}
      step={1}
      value={index}
      disabled={disabled}
      aria-label={label}
      aria-valuetext={format(values[index] ?? 0)}
      onChange={(e) => onChange(values[Number(e.target.value)] ?? 0)}
    />
  );
}

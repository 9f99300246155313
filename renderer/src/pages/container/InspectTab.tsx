import { JsonTree } from '../../components/JsonTree';

export function InspectTab({ value }: { value: Record<string, unknown> }) {
  return <div className="card overflow-auto p-3"><JsonTree value={value} /></div>;
}

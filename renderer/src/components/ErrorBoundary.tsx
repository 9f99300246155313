// A page that throws shows what happened and a way back, instead of a blank window.
import { Component, type ReactNode } from 'react';
import { ErrorBox } from './Notice';

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state = { error: null as Error | null, key: this.props.resetKey };
  static getDerivedStateFromError(error: Error) { return { error }; }
  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }
  override render() {
    if (this.state.error) {
      return <div className="p-6"><ErrorBox title="This page hit a problem" message={`${this.state.error.message}\nGo to another page and back, or reload the window.`} action={<button className="btn" onClick={() => this.setState({ error: null })}>Try again</button>} /></div>;
    }
    return this.props.children;
  }
}

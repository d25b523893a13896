import { Component, type ErrorInfo, type ReactNode } from 'react';

/** For bugs in the UI only: evidence problems arrive as data, never as exceptions here. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('UI error', error, info.componentStack);
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="state error fatal" role="alert">
        <h1>The window hit a bug.</h1>
        <p>The case on disk is unaffected. Reload the window (View → Reload) or restart the app.</p>
        <pre className="error-text">{this.state.error.message}</pre>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try to continue
        </button>
      </div>
    );
  }
}

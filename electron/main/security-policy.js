/**
 * The window's security settings as plain data, so tests assert them without an Electron binary.
 * Sources: Electron's security checklist (docs/tutorial/security.md) items 2-4 (no Node, context
 * isolation, sandbox), 7 (CSP), 13-15 (navigation, new windows, openExternal), 5 (permissions).
 */
export const CSP = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
].join('; ');
/** The report preview frame and the hidden print window: no script at all. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
export function webPreferences(preload, devTools) {
    return {
        preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        safeDialogs: true,
        devTools,
    };
}
/** The hidden window that prints the report: no preload, no JavaScript. */
export const PRINT_WEB_PREFERENCES = {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    javascript: false,
    webSecurity: true,
    webviewTag: false,
    devTools: false,
};
/**
 * The app never touches the network: only its own pages (app://), the one report file being
 * printed (file://, when `allowFile` says so), inline data and DevTools' own pages pass;
 * everything else is cancelled.
 */
export function isAllowedRequest(url, allowFile = () => false) {
    let u;
    try {
        u = new URL(url);
    }
    catch {
        return false;
    }
    switch (u.protocol) {
        case 'app:':
            return u.host === 'triage';
        case 'file:':
            return u.host === '' && allowFile(decodeURIComponent(u.pathname));
        case 'data:':
        case 'devtools:':
            return true;
        default:
            return false;
    }
}
/** Renderer-initiated navigation is never allowed: the app is one page. */
export function isAllowedNavigation(_url) {
    return false;
}
//# sourceMappingURL=security-policy.js.map
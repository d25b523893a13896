/**
 * How the app prints a report to PDF (Electron's printToPDF, which is Chromium's
 * Page.printToPDF): the report's own print CSS decides paper size, margins, running header and
 * "Page x of y" (@page margin boxes), exactly as the command line's headless Chromium prints it
 * with --no-pdf-header-footer. Chromium's own header/footer would print over those boxes. Kept
 * apart from pdf.ts (which needs Electron) so a test can print with the same options.
 */
export const PRINT_TO_PDF_OPTIONS = { preferCSSPageSize: true, printBackground: true, displayHeaderFooter: false } as const;

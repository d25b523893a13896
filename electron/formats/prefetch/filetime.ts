/** The SCCA sections' FILETIMEs use the one shared conversion (null outside years 0001–9999). */
export { filetimeToIso } from '../../io/filetime.js';

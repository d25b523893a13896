/**
 * A modal question with one safe and one consequential answer. The safe answer has the focus, so
 * Enter or Esc never does the consequential thing by accident. Native <dialog>: focus stays inside.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function ConfirmDialog({ title, children, confirm, cancel = 'Cancel', onConfirm, onCancel }: { title: string; children: ReactNode; confirm: string; cancel?: string; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const safe = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    safe.current?.focus();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div className="confirm-body">{children}</div>
      <div className="row confirm-actions">
        <button type="button" ref={safe} onClick={onCancel} data-action="confirm-cancel">
          {cancel}
        </button>
        <button type="button" className="danger" onClick={onConfirm} data-action="confirm-ok">
          {confirm}
        </button>
      </div>
    </dialog>
  );
}

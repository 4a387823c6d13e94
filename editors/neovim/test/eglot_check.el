;;; eglot_check.el --- checks the README's Emacs configuration -*- lexical-binding: t -*-

;; Run by eglot_test.go as
;;
;;   emacs --batch -q -l CONFIG -l eglot_check.el
;;
;; where CONFIG is the Emacs Lisp block of the README's "Emacs (eglot)"
;; section, as a user would put it in their init file. It opens PROMPT_FILE,
;; lets eglot start claude-ls, waits for its diagnostics, asks for a hover on
;; HOVER_TEXT, and writes what it got to REPORT_FILE as JSON.

(require 'json)
(require 'eglot)
(require 'flymake)

(defvar check-published nil "The publishDiagnostics notifications received.")

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (push (list (cons 'uri uri)
              (cons 'codes (mapcar (lambda (d) (plist-get d :code)) diagnostics)))
        check-published))

(defun check-wait (pred seconds)
  "Wait until PRED is true, at most SECONDS."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(let ((report '())
      (file (getenv "PROMPT_FILE")))
  (condition-case err
      (progn
        (find-file file)
        (push (cons 'mode (symbol-name major-mode)) report)
        ;; eglot-ensure waits for post-command-hook, which batch mode never runs.
        (run-hooks 'post-command-hook)
        ;; The disk scan may publish before the settings arrive (with
        ;; model-missing): wait for the publication after them, or time out
        ;; and let the Go test report the last one.
        (check-wait (lambda () (and (eglot-current-server) check-published
                                    (not (member "model-missing" (cdr (assq 'codes (car check-published)))))))
                    20)
        (let ((server (eglot-current-server)))
          (push (cons 'server (and server (plist-get (eglot--server-info server) :name))) report)
          (push (cons 'version (and server (plist-get (eglot--server-info server) :version))) report)
          (push (cons 'published (vconcat (reverse check-published))) report)
          (check-wait (lambda () (flymake-diagnostics)) 10)
          (push (cons 'flymake (vconcat (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))) report)
          (when server
            (goto-char (point-min))
            (search-forward (getenv "HOVER_TEXT"))
            (backward-char 2)
            (let ((hover (jsonrpc-request server :textDocument/hover
                                          (list :textDocument (eglot--TextDocumentIdentifier)
                                                :position (eglot--pos-to-lsp-position (point))))))
              (push (cons 'hover (format "%S" (plist-get hover :contents))) report))
            (eglot-shutdown server)
            (push (cons 'shutdown t) report))))
    (error (push (cons 'error (format "%S" err)) report)))
  (with-temp-file (getenv "REPORT_FILE")
    (insert (json-encode report))))

;;; eglot_check.el ends here

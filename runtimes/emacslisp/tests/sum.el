(let ((nums (mapcar #'string-to-number (split-string (read-from-minibuffer "")))))
  (princ (format "%d\n" (apply #'+ nums))))

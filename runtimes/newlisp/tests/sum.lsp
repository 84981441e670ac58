(println (apply + (map int (parse (read-line)))))
(exit)

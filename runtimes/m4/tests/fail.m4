errprint(`failed on purpose
')m4exit(3)

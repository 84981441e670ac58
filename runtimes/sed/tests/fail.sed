# An unterminated command: sed refuses the script before it reads any input.
s/never closed

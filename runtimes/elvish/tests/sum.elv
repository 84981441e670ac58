use str
var a b = (str:split ' ' (str:trim-space (read-line)))
echo (+ $a $b)

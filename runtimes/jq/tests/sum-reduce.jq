# Every value after the first, added to it.
reduce inputs as $n (.; . + $n)

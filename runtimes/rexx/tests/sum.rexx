parse pull a b
say a + b

"failed\n" | halt_error(3)

(error "failed on purpose")

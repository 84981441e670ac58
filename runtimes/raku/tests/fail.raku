die "failed on purpose";

error, "failed on purpose";

error("failed on purpose");

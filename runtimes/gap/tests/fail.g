Error("failed on purpose");

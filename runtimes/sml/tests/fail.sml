val () = OS.Process.exit OS.Process.failure

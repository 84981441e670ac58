(* Reads two integers with C's scanf and prints their sum. *)
#include "share/atspre_staload.hats"

implement main0 () = {
  var a: int = 0
  var b: int = 0
  val _ = $extfcall (int, "scanf", "%d %d", addr@a, addr@b)
  val () = println! (a + b)
}

MODULE main;

BEGIN
   undeclared := 1
END main.

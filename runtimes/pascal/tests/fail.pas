program Main;
var
  n: Integer;
begin
  n := 'not a number';
end.

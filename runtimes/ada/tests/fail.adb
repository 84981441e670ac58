procedure Main is
   N : Integer := "not a number";
begin
   null;
end Main;

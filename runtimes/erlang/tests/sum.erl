-module(main).
-export([main/1]).

main(_Args) ->
    {ok, [A, B]} = io:fread("", "~d ~d"),
    io:format("~b~n", [A + B]).

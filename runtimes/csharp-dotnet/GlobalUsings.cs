// The implicit usings of a .NET console app (Microsoft.NET.Sdk's ImplicitUsings).
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using System.Net.Http;
global using System.Threading;
global using System.Threading.Tasks;

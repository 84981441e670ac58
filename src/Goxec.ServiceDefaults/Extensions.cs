namespace Goxec.ServiceDefaults; public static class Extensions { }

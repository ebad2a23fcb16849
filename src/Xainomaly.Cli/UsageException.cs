namespace Xainomaly.Cli;

/// <summary>A mistake on the command line that parsing alone cannot catch (e.g. an inconsistent combination of options).</summary>
internal sealed class UsageException(string message) : Exception(message);

namespace Xainomaly.Cli;

/// <summary>The command's exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Anything else that went wrong.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong (unknown option, bad value, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>The input data (or model file) was bad.</summary>
    public const int BadInput = 3;
}

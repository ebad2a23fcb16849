namespace Xainomaly.Data;

/// <summary>
/// Bad input data: the message names the file, and where known the line and column, and says what was expected.
/// The CLI maps it to exit code 3.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; <paramref name="line"/> is 1-based, <paramref name="column"/> a column name.</summary>
    public DataFormatException(string source, string problem, long? line = null, string? column = null, Exception? inner = null)
        : base(Format(source, problem, line, column), inner)
    {
        SourceName = source;
        Problem = problem;
        Line = line;
        Column = column;
    }

    /// <summary>The file (or stream) the data came from.</summary>
    public string SourceName { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>1-based line number, where known.</summary>
    public long? Line { get; }

    /// <summary>Column (or JSON field) name, where known.</summary>
    public string? Column { get; }

    private static string Format(string source, string problem, long? line, string? column)
    {
        var where = source;
        if (line is not null) where += $", line {line}";
        if (column is not null) where += $", column '{column}'";
        return $"{where}: {problem}";
    }
}

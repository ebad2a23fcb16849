using System.Text.Json;
using System.Text.Json.Nodes;

using Spectre.Console;

namespace Xainomaly.Cli.Output;

/// <summary>
/// Where a command writes: results (tables, summaries) to standard output, progress and notes to standard error.
/// With <c>--json</c> nothing but one JSON object reaches standard output.
/// </summary>
internal sealed class CliConsole
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public CliConsole(TextWriter stdout, TextWriter stderr, bool json)
    {
        StdoutWriter = stdout;
        StderrWriter = stderr;
        Json = json;
        bool interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        Err = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderr),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!ReferenceEquals(stdout, Console.Out) || Console.IsOutputRedirected) Out.Profile.Width = Math.Max(Out.Profile.Width, 160);
        if (!interactive) Err.Profile.Width = 160;
    }

    /// <summary>True when the command must print exactly one JSON object on stdout.</summary>
    public bool Json { get; }

    /// <summary>Standard output (tables and results; unused with --json).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Standard error (progress, notes, errors).</summary>
    public IAnsiConsole Err { get; }

    public TextWriter StdoutWriter { get; }

    public TextWriter StderrWriter { get; }

    /// <summary>A step heading on stderr ("== what happens now").</summary>
    public void Step(string text) => Err.MarkupLine($"[bold blue]▶[/] {Markup.Escape(text)}");

    /// <summary>A note on stderr.</summary>
    public void Note(string text) => Err.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    /// <summary>A result line on stdout (suppressed with --json, where the JSON object carries the result).</summary>
    public void Result(string markup)
    {
        if (!Json) Out.MarkupLine(markup);
    }

    /// <summary>A table on stdout (suppressed with --json).</summary>
    public void Table(Table table)
    {
        if (!Json) Out.Write(table);
    }

    /// <summary>Prints the command's one JSON object (only with --json).</summary>
    public void WriteJson(JsonNode node)
    {
        if (!Json) return;
        StdoutWriter.WriteLine(node.ToJsonString(JsonOptions));
        StdoutWriter.Flush();
    }

    /// <summary>Prints the command's one JSON object from any serialisable value (only with --json).</summary>
    public void WriteJson<T>(T value)
    {
        if (!Json) return;
        StdoutWriter.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
        StdoutWriter.Flush();
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar on stderr; plain lines when stderr is not a terminal.</summary>
    public T Progress<T>(string description, double total, Func<IProgress<double>, T> work) =>
        Progress(description, total, (progress, _) => work(progress));

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on stderr whose text the work can update (e.g. the current
    /// loss); plain lines when stderr is not a terminal.
    /// </summary>
    public T Progress<T>(string description, double total, Func<IProgress<double>, Action<string>, T> work)
    {
        if (Err.Profile.Capabilities.Interactive)
        {
            T result = default!;
            Err.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(description), maxValue: total);
                    result = work(new SyncProgress<double>(v => task.Value = v), status => task.Description = Markup.Escape($"{description} — {status}"));
                    task.Value = total;
                });
            return result;
        }
        var reporter = new LineProgress(StderrWriter, description, total);
        var r = work(reporter, reporter.SetStatus);
        reporter.Finish();
        return r;
    }

    /// <summary>Progress for a non-interactive stderr: a line at every 10 % so logs stay readable.</summary>
    private sealed class LineProgress(TextWriter writer, string description, double total) : IProgress<double>
    {
        private int _lastDecile = -1;
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private volatile string? _status;

        public void SetStatus(string status) => _status = status;

        public void Report(double value)
        {
            int decile = total <= 0 ? 10 : (int)Math.Floor(10 * Math.Clamp(value / total, 0, 1));
            if (decile <= _lastDecile) return;
            _lastDecile = decile;
            var status = _status is { } st ? $" {st}" : "";
            lock (writer) writer.WriteLine($"{description}: {decile * 10}% ({_clock.Elapsed.TotalSeconds:F1} s){status}");
        }

        public void Finish()
        {
            if (_lastDecile < 10) Report(total);
        }
    }
}

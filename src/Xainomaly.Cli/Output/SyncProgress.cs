namespace Xainomaly.Cli.Output;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler at once on the reporting thread. The framework's
/// <see cref="Progress{T}"/> posts to the thread pool, so counts read right after the work could still miss reports.
/// </summary>
internal sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly object _gate = new();

    public void Report(T value)
    {
        lock (_gate) handler(value);
    }
}

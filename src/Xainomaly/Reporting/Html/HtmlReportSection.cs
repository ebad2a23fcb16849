namespace Xainomaly.Reporting.Html;

/// <summary>One section of an <see cref="HtmlReport"/>.</summary>
/// <param name="Id">Anchor id (letters, digits, '-').</param>
/// <param name="Title">Heading and table-of-contents entry.</param>
/// <param name="Body">The section's HTML, built with <see cref="HtmlWriter"/>.</param>
/// <param name="Found">False when the results it shows were missing (the body then says how to make them).</param>
public sealed record HtmlReportSection(string Id, string Title, string Body, bool Found = true);

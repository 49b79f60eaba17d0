using DetainerGraph.Detainers;
using Microsoft.Data.Sqlite;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// The in-memory rollup groups are written in the order SQLite's <c>GROUP BY</c> gives (so the <c>DetainerCounts</c> rows keep
/// their row ids): text in SQLite's BINARY order, which is the order of the UTF-8 bytes, not of .NET's UTF-16 code units.
/// </summary>
public sealed class SourceRollupGroupsTests
{
    [Fact]
    public void Text_sorts_as_sqlite_sorts_it_including_characters_past_U_FFFF_against_the_private_use_area()
    {
        string?[] texts =
        [
            null, "", "a", "A", "ab", "Z", "é", "e\u0301", "\u00FF", "\u0100", "\uD7FF", "\uE000", "\uFFFD", "\uFF21",
            "😀", "😀a", "\U0001F600\U0001F601", "\U00010000", "Mexico", "México", "MEXICO", "a\0b", "a\0",
        ];
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (v TEXT)";
            create.ExecuteNonQuery();
        }
        foreach (var text in texts)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO t VALUES ($v)";
            insert.Parameters.AddWithValue("$v", (object?)text ?? DBNull.Value);
            insert.ExecuteNonQuery();
        }
        var bySqlite = new List<string?>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT v FROM t GROUP BY v";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                bySqlite.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
            }
        }

        var byComparer = texts.Distinct().ToList();
        byComparer.Sort(SourceRollupGroups.CompareText);

        Assert.Equal(bySqlite, byComparer);
        // The case the plain ordinal order gets wrong: a character past U+FFFF after U+E000-U+FFFF.
        Assert.True(string.CompareOrdinal("😀", "\uE000") < 0);
        Assert.True(SourceRollupGroups.CompareText("😀", "\uE000") > 0);
    }
}

package dev.mooring.backup.internal.postgres;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader alone, with buffers small enough that every line and terminator straddles a refill somewhere. */
class ScriptLineReaderTest {
    private static final int[] BUFFER_SIZES = {4, 5, 6, 7, 8, 11, 16, 64, ScriptLineReader.DEFAULT_BUFFER};

    private static ScriptLineReader reader(String text, int buffer) {
        return new ScriptLineReader(trickle(text.getBytes(StandardCharsets.UTF_8)), buffer);
    }

    /** A stream that returns at most 3 bytes per read, as a slow pipe might. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3));
            }
        };
    }

    private static String pump(ScriptLineReader reader, long[] rows) throws IOException, SQLException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        rows[0] = reader.pumpCopyData(data::write, ScriptProgress.NONE, 0);
        return data.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sqlLinesComeBackWithoutLineBreaksAndCounted() throws Exception {
        for (int buffer : BUFFER_SIZES) {
            ScriptLineReader reader = reader("SELECT 1;\r\n\nSELECT 'a long line that outgrows tiny buffers ✓';\nlast", buffer);
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
            assertThat(lines).as("buffer %d", buffer)
                    .containsExactly("SELECT 1;", "", "SELECT 'a long line that outgrows tiny buffers ✓';", "last");
            assertThat(reader.line()).isEqualTo(4);
        }
    }

    @Test
    void copyDataPassesThroughRawUpToTheTerminatorLine() throws Exception {
        String data = "1\tü\\N\n\\\\.\n\\.x\n\r\n\\\n2\t\\.\n";
        for (int buffer : BUFFER_SIZES) {
            ScriptLineReader reader = reader("COPY t FROM stdin;\n" + data + "\\.\nSELECT 2;\n", buffer);
            reader.readLine();
            long[] rows = new long[1];

            assertThat(pump(reader, rows)).as("buffer %d", buffer).isEqualTo(data);
            assertThat(rows[0]).isEqualTo(6);
            assertThat(reader.line()).isEqualTo(8);
            assertThat(reader.readLine()).isEqualTo("SELECT 2;");
        }
    }

    @Test
    void terminatorMayEndWithCrLfOrTheEndOfTheScript() throws Exception {
        for (int buffer : BUFFER_SIZES) {
            long[] rows = new long[1];
            ScriptLineReader crlf = reader("a\r\nb\r\n\\.\r\nnext\r\n", buffer);
            assertThat(pump(crlf, rows)).isEqualTo("a\r\nb\r\n");
            assertThat(crlf.readLine()).isEqualTo("next");

            ScriptLineReader atEnd = reader("a\n\\.", buffer);
            assertThat(pump(atEnd, rows)).isEqualTo("a\n");
            assertThat(rows[0]).isEqualTo(1);
            assertThat(atEnd.readLine()).isNull();
        }
    }

    @Test
    void emptyBlockHasNoRows() throws Exception {
        long[] rows = new long[1];
        assertThat(pump(reader("\\.\n", 4), rows)).isEmpty();
        assertThat(rows[0]).isZero();
    }

    @Test
    void scriptEndingInsideABlockIsAnEndOfFile() {
        for (int buffer : BUFFER_SIZES) {
            assertThatThrownBy(() -> pump(reader("1\n2\n\\", buffer), new long[1])).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> pump(reader("1\n2", buffer), new long[1])).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> pump(reader("", buffer), new long[1])).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void invalidUtf8InASqlLineIsReported() {
        ScriptLineReader reader = new ScriptLineReader(new ByteArrayInputStream(new byte[] {'a', (byte) 0xFF, '\n'}), 16);

        assertThatThrownBy(reader::readLine).isInstanceOf(CharacterCodingException.class);
        assertThat(reader.line()).isEqualTo(1);
    }
}

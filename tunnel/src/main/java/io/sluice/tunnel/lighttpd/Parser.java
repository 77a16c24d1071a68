package io.sluice.tunnel.lighttpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses lighttpd's config language (configparser.y) as far as real configurations use it: assignments with
 * {@code = += :=}, values joined with {@code +}, arrays with and without {@code =>}, variables ({@code var.x},
 * {@code env.X}, and any option set before), {@code include "file"} (relative to the main file's folder, as
 * lighttpd does; globs allowed), and conditional blocks with {@code else}. Confined to one call.
 */
final class Parser {
    private static final int MAX_INCLUDE_DEPTH = 16;

    private final Path baseDir;
    private final LighttpdConfig config = new LighttpdConfig();
    /** Every value set so far, by name, for references ({@code var.basedir + "/www"}). */
    private final Map<String, Value> known = new HashMap<>();
    private List<Token> tokens;
    private int pos;
    private int depth;

    private Parser(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** Reads {@code file} and everything it includes. */
    static LighttpdConfig parse(Path file) throws LighttpdSyntaxException {
        // Kept as given (relative stays relative), so messages name files the way the user did.
        Parser parser = new Parser(file.getParent() == null ? Path.of("") : file.getParent());
        parser.known.put("var.CWD", new Value.Str(Path.of("").toAbsolutePath().toString()));
        parser.known.put("var.PID", new Value.Int(ProcessHandle.current().pid()));
        parser.file(file, null, new Location(file, 0));
        return parser.config;
    }

    private void file(Path file, Condition block, Location includedAt) throws LighttpdSyntaxException {
        if (++depth > MAX_INCLUDE_DEPTH) {
            throw new LighttpdSyntaxException(includedAt, "includes nest deeper than %d (a loop?)"
                    .formatted(MAX_INCLUDE_DEPTH));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LighttpdSyntaxException(includedAt, "cannot read %s: no such file".formatted(file));
        } catch (IOException e) {
            throw new LighttpdSyntaxException(includedAt, "cannot read %s: %s".formatted(file, e.getMessage()));
        }
        List<Token> saved = tokens;
        int savedPos = pos;
        tokens = Lexer.tokens(text, file);
        pos = 0;
        statements(block, true);
        tokens = saved;
        pos = savedPos;
        depth--;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        return tokens.get(pos++);
    }

    private Token expect(String operator, String what) throws LighttpdSyntaxException {
        Token t = next();
        if (!t.is(operator)) {
            throw new LighttpdSyntaxException(t.where(), "expected %s, got %s".formatted(what, t.describe()));
        }
        return t;
    }

    private void statements(Condition block, boolean toEnd) throws LighttpdSyntaxException {
        while (true) {
            Token t = peek();
            if (t.kind() == Token.Kind.END) {
                if (!toEnd) {
                    throw new LighttpdSyntaxException(t.where(), "missing '}' of the block opened at "
                            + block.where());
                }
                return;
            }
            if (t.is("}")) {
                if (toEnd) {
                    throw new LighttpdSyntaxException(t.where(), "'}' without a block to close");
                }
                return;
            }
            statement(block);
        }
    }

    private void statement(Condition block) throws LighttpdSyntaxException {
        Token t = next();
        if (t.kind() != Token.Kind.NAME) {
            throw new LighttpdSyntaxException(t.where(), "expected an option name, include or a condition, got "
                    + t.describe());
        }
        if (t.text().equals("include")) {
            include(value(), t.where(), block);
        } else if (t.text().equals("include_shell")) {
            Value command = value();
            config.warn(t.where(), "include_shell \"%s\": not run; run it yourself and import its output"
                    .formatted(command.text()));
        } else if (t.text().startsWith("$")) {
            conditional(t, block);
        } else {
            assignment(t, block);
        }
    }

    private void include(Value name, Location where, Condition block) throws LighttpdSyntaxException {
        if (name.text() == null) {
            throw new LighttpdSyntaxException(where, "include needs a file name");
        }
        Path pattern = baseDir.resolve(name.text());
        String last = pattern.getFileName().toString();
        if (last.contains("*") || last.contains("?") || last.contains("[")) {
            List<Path> matches = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(pattern.getParent(), last)) {
                files.forEach(matches::add);
            } catch (IOException e) {
                return; // a glob that matches nothing is fine for lighttpd too
            }
            matches.sort(null);
            for (Path match : matches) {
                file(match, block, where);
            }
        } else {
            file(pattern, block, where);
        }
    }

    private void assignment(Token name, Condition block) throws LighttpdSyntaxException {
        Token op = next();
        if (!(op.is("=") || op.is("+=") || op.is(":="))) {
            throw new LighttpdSyntaxException(op.where(), "expected '=', '+=' or ':=' after %s, got %s"
                    .formatted(name.text(), op.describe()));
        }
        Value value = value();
        Map<String, Directive> options = config.block(block);
        Directive before = options.get(name.text());
        if (op.is("+=") && before != null) {
            Value joined = Value.concat(before.value(), value);
            if (joined == null) {
                throw new LighttpdSyntaxException(name.where(), "'+=' cannot append this value to %s"
                        .formatted(name.text()));
            }
            value = joined;
        } else if (op.is("+=") && known.containsKey(name.text()) && block != null) {
            // lighttpd appends to the value the enclosing scope has
            Value joined = Value.concat(known.get(name.text()), value);
            value = joined == null ? value : joined;
        } else if (op.is("=") && before != null && !name.text().startsWith("var.")) {
            config.warn(name.where(), "%s is set again (first at line %d); lighttpd refuses that, the last is used"
                    .formatted(name.text(), before.where().line()));
        }
        known.put(name.text(), value);
        if (!name.text().startsWith("var.") && !name.text().startsWith("env.")) {
            options.put(name.text(), new Directive(name.text(), value, name.where(), block));
        }
    }

    private void conditional(Token field, Condition parent) throws LighttpdSyntaxException {
        Condition condition = condition(field, parent);
        while (true) {
            expect("{", "'{' to open the block");
            config.block(condition);
            statements(condition, false);
            expect("}", "'}'");
            Token t = peek();
            if (!(t.isName("else") || t.isName("elsif") || t.isName("elseif"))) {
                return;
            }
            next();
            Token after = peek();
            if (after.kind() == Token.Kind.NAME && (after.text().startsWith("$") || after.text().equals("if"))) {
                if (after.text().equals("if")) {
                    next();
                }
                condition = condition(next(), parent);
                condition = new Condition(condition.field(), condition.operator(), condition.pattern(),
                        condition.where(), parent);
            } else {
                condition = new Condition("else", "else", null, t.where(), parent);
            }
            config.warn(t.where(), "an else branch is translated as if it stood alone (Sluice's first-match route"
                    + " order keeps an earlier branch's routes first)");
        }
    }

    private Condition condition(Token field, Condition parent) throws LighttpdSyntaxException {
        if (!field.text().startsWith("$")) {
            throw new LighttpdSyntaxException(field.where(), "expected a condition such as $HTTP[\"url\"], got "
                    + field.describe());
        }
        expect("[", "'[' after " + field.text());
        Token key = next();
        if (key.kind() != Token.Kind.STRING) {
            throw new LighttpdSyntaxException(key.where(), "expected a quoted name in %s[...], got %s"
                    .formatted(field.text(), key.describe()));
        }
        expect("]", "']'");
        Token op = next();
        if (!(op.is("==") || op.is("!=") || op.is("=~") || op.is("!~") || op.is("=^") || op.is("=$"))) {
            throw new LighttpdSyntaxException(op.where(), "expected ==, !=, =~, !~, =^ or =$, got "
                    + op.describe());
        }
        Value pattern = value();
        if (pattern.text() == null) {
            throw new LighttpdSyntaxException(op.where(), "a condition compares with a string, not an array");
        }
        return new Condition(field.text() + "[\"" + key.text() + "\"]", op.text(), pattern.text(), field.where(),
                parent);
    }

    private Value value() throws LighttpdSyntaxException {
        Value value = term();
        while (peek().is("+")) {
            Token plus = next();
            Value right = term();
            Value joined = Value.concat(value, right);
            if (joined == null) {
                throw new LighttpdSyntaxException(plus.where(), "cannot join an array and a string with '+'");
            }
            value = joined;
        }
        return value;
    }

    private Value term() throws LighttpdSyntaxException {
        Token t = next();
        return switch (t.kind()) {
            case STRING -> new Value.Str(t.text());
            case INTEGER -> new Value.Int(Long.parseLong(t.text()));
            case NAME -> reference(t);
            case OPERATOR -> {
                if (t.is("(")) {
                    yield array();
                }
                throw new LighttpdSyntaxException(t.where(), "expected a value, got " + t.describe());
            }
            case END -> throw new LighttpdSyntaxException(t.where(), "expected a value, got the end of the file");
        };
    }

    private Value reference(Token name) throws LighttpdSyntaxException {
        if (name.text().startsWith("env.")) {
            String env = System.getenv(name.text().substring(4));
            if (env == null) {
                throw new LighttpdSyntaxException(name.where(), "environment variable %s is not set"
                        .formatted(name.text().substring(4)));
            }
            return new Value.Str(env);
        }
        Value value = known.get(name.text());
        if (value == null) {
            throw new LighttpdSyntaxException(name.where(), "%s is used before it is set".formatted(name.text()));
        }
        return value;
    }

    private Value array() throws LighttpdSyntaxException {
        List<Value.Entry> entries = new ArrayList<>();
        while (!peek().is(")")) {
            Location where = peek().where();
            Value first = value();
            if (peek().is("=>")) {
                next();
                if (first.text() == null) {
                    throw new LighttpdSyntaxException(where, "an array key must be a string");
                }
                entries.add(new Value.Entry(first.text(), value(), where));
            } else {
                entries.add(new Value.Entry(null, first, where));
            }
            if (peek().is(",")) {
                next();
            } else if (!peek().is(")")) {
                throw new LighttpdSyntaxException(peek().where(), "expected ',' or ')' in the array, got "
                        + peek().describe());
            }
        }
        next();
        return new Value.Arr(entries);
    }
}

#include "rules/condition_parser.h"

#include <cctype>
#include <optional>
#include <vector>

namespace vigie::rules {

namespace {

enum class Tok { kIdent, kAnd, kOr, kNot, kOf, kLParen, kRParen, kPipe, kEnd, kBad };

struct Token {
  Tok kind;
  std::string_view text;
  std::size_t offset;
};

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == '*';
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '(') {
      out.push_back({Tok::kLParen, s.substr(i, 1), i});
      ++i;
    } else if (c == ')') {
      out.push_back({Tok::kRParen, s.substr(i, 1), i});
      ++i;
    } else if (c == '|') {
      out.push_back({Tok::kPipe, s.substr(i, 1), i});
      ++i;
    } else if (ident_char(c)) {
      std::size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      std::string_view word = s.substr(i, j - i);
      Tok kind = Tok::kIdent;
      if (word == "and")
        kind = Tok::kAnd;
      else if (word == "or")
        kind = Tok::kOr;
      else if (word == "not")
        kind = Tok::kNot;
      else if (word == "of")
        kind = Tok::kOf;
      out.push_back({kind, word, i});
      i = j;
    } else {
      // A non-ASCII character is one token (its UTF-8 sequence), so that the message quotes it
      // whole; the position is that of its first byte.
      std::size_t j = i + 1;
      if (static_cast<unsigned char>(c) >= 0xC0) {
        while (j < s.size() && j < i + 4 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
      }
      out.push_back({Tok::kBad, s.substr(i, j - i), i});
      i = j;
    }
  }
  out.push_back({Tok::kEnd, {}, s.size()});
  return out;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool is_keyword_upper(std::string_view w) {
  std::string l = lower(w);
  return l != w && (l == "and" || l == "or" || l == "not" || l == "of" || l == "them");
}

class Parser {
 public:
  Parser(std::string_view text, const TextOrigin& origin, const std::string& file, Condition& out,
         Diagnostics& diags)
      : origin_(origin), file_(file), out_(out), diags_(diags), toks_(tokenize(text)) {}

  bool run() {
    out_.nodes.clear();
    std::optional<int> root = or_expr(0);
    if (!root) return false;
    if (peek().kind != Tok::kEnd) {
      const Token& t = peek();
      if (t.kind == Tok::kRParen) return fail(t, "unbalanced ')' in condition");
      if (t.kind == Tok::kPipe) return pipe_error(t);
      return fail(t,
                  "unexpected '" + std::string(t.text) + "' after a complete condition" + hint(t));
    }
    out_.root = *root;
    return true;
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  const Token& next() { return toks_[pos_++]; }

  SourcePos where(const Token& t) const { return origin_.at(t.offset); }

  bool fail(const Token& t, std::string message, const char* code = "condition-syntax") {
    SourcePos p = where(t);
    diags_.error(code, file_, p.line, p.column, std::move(message));
    return false;
  }

  bool pipe_error(const Token& t) {
    return fail(t,
                "'|' aggregations (count() by, near) are Sigma v1 and not supported: "
                "express them as a correlation rule (type event_count, value_count, temporal)",
                "pipe-aggregation");
  }

  static std::string hint(const Token& t) {
    if (t.kind == Tok::kIdent && is_keyword_upper(t.text)) {
      return " (condition keywords are lowercase: write '" + lower(t.text) + "')";
    }
    return "";
  }

  int add(ConditionNode node) {
    out_.nodes.push_back(std::move(node));
    return static_cast<int>(out_.nodes.size()) - 1;
  }

  bool too_deep(int depth) {
    if (depth <= kMaxConditionDepth) return false;
    fail(peek(), "condition nested deeper than " + std::to_string(kMaxConditionDepth) + " levels",
         "condition-too-deep");
    return true;
  }

  std::optional<int> or_expr(int depth) {
    if (too_deep(depth)) return std::nullopt;
    std::optional<int> left = and_expr(depth + 1);
    if (!left) return std::nullopt;
    if (peek().kind != Tok::kOr) return left;
    ConditionNode node{ConditionNode::Kind::kOr};
    node.pos = out_.nodes[*left].pos;
    node.children.push_back(*left);
    while (peek().kind == Tok::kOr) {
      next();
      std::optional<int> right = and_expr(depth + 1);
      if (!right) return std::nullopt;
      node.children.push_back(*right);
    }
    return add(std::move(node));
  }

  std::optional<int> and_expr(int depth) {
    if (too_deep(depth)) return std::nullopt;
    std::optional<int> left = not_expr(depth + 1);
    if (!left) return std::nullopt;
    if (peek().kind != Tok::kAnd) return left;
    ConditionNode node{ConditionNode::Kind::kAnd};
    node.pos = out_.nodes[*left].pos;
    node.children.push_back(*left);
    while (peek().kind == Tok::kAnd) {
      next();
      std::optional<int> right = not_expr(depth + 1);
      if (!right) return std::nullopt;
      node.children.push_back(*right);
    }
    return add(std::move(node));
  }

  std::optional<int> not_expr(int depth) {
    if (too_deep(depth)) return std::nullopt;
    if (peek().kind == Tok::kNot) {
      const Token& t = next();
      std::optional<int> child = not_expr(depth + 1);
      if (!child) return std::nullopt;
      ConditionNode node{ConditionNode::Kind::kNot};
      node.pos = where(t);
      node.children.push_back(*child);
      return add(std::move(node));
    }
    return primary(depth + 1);
  }

  std::optional<int> primary(int depth) {
    if (too_deep(depth)) return std::nullopt;
    const Token& t = peek();
    switch (t.kind) {
      case Tok::kLParen: {
        next();
        std::optional<int> inner = or_expr(depth + 1);
        if (!inner) return std::nullopt;
        if (peek().kind != Tok::kRParen) {
          if (peek().kind == Tok::kEnd) {
            fail(t, "unbalanced '(' in condition: no matching ')'");
          } else if (peek().kind == Tok::kPipe) {
            pipe_error(peek());
          } else {
            fail(peek(), "expected ')' or an operator, found '" + std::string(peek().text) + "'" +
                             hint(peek()));
          }
          return std::nullopt;
        }
        next();
        return inner;
      }
      case Tok::kIdent: {
        next();
        if (peek().kind == Tok::kOf) return quantified(t);
        if (t.text.find('*') != std::string_view::npos) {
          fail(t, "wildcard identifier '" + std::string(t.text) + "' needs a quantifier: '1 of " +
                      std::string(t.text) + "' or 'all of " + std::string(t.text) + "'");
          return std::nullopt;
        }
        if (t.text == "them") {
          fail(t, "'them' needs a quantifier: '1 of them' or 'all of them'");
          return std::nullopt;
        }
        ConditionNode node{ConditionNode::Kind::kRef};
        node.pattern = std::string(t.text);
        node.pos = where(t);
        return add(std::move(node));
      }
      case Tok::kEnd:
        fail(t, toks_.size() == 1 ? std::string("empty condition")
                                  : std::string("condition ends where an identifier is expected"));
        return std::nullopt;
      case Tok::kRParen:
        fail(t, "unbalanced ')' in condition");
        return std::nullopt;
      case Tok::kPipe:
        pipe_error(t);
        return std::nullopt;
      case Tok::kBad:
        fail(t, "unexpected character '" + std::string(t.text) + "' in condition");
        return std::nullopt;
      default:
        fail(t, "expected an identifier, found '" + std::string(t.text) + "'");
        return std::nullopt;
    }
  }

  std::optional<int> quantified(const Token& quant) {
    next();  // "of"
    ConditionNode node;
    node.pos = where(quant);
    if (quant.text == "all") {
      node.kind = ConditionNode::Kind::kAllOf;
    } else if (quant.text == "any" || quant.text == "1") {
      node.kind = ConditionNode::Kind::kOneOf;
    } else {
      int n = 0;
      bool digits = !quant.text.empty() && quant.text.size() < 6;
      for (char c : quant.text) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
          digits = false;
        else
          n = n * 10 + (c - '0');
      }
      if (!digits || n < 1) {
        fail(quant, "'" + std::string(quant.text) +
                        " of': the quantifier must be 1, any, all or a "
                        "positive number" +
                        hint(quant));
        return std::nullopt;
      }
      node.kind = ConditionNode::Kind::kOneOf;
      node.count = n;
    }
    const Token& target = peek();
    if (target.kind != Tok::kIdent) {
      fail(target, "expected 'them' or an identifier pattern after 'of'");
      return std::nullopt;
    }
    next();
    node.pattern = std::string(target.text);
    return add(std::move(node));
  }

  const TextOrigin& origin_;
  const std::string& file_;
  Condition& out_;
  Diagnostics& diags_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
};

}  // namespace

bool parse_condition_text(std::string_view text, const TextOrigin& origin, const std::string& file,
                          Condition& out, Diagnostics& diags) {
  out.text = std::string(text);
  out.pos = origin.start();
  Parser parser(text, origin, file, out, diags);
  return parser.run();
}

}  // namespace vigie::rules

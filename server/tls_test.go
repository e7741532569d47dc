package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"sundial/internal/testserver"
)

// writeCert creates a key and a certificate signed by parent (self-signed
// when parent is nil) and writes them as PEM files.
func writeCert(t *testing.T, dir, name string, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IsCA:         isCA, BasicConstraintsValid: true,
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	certPath := filepath.Join(dir, name+".crt")
	keyPath := filepath.Join(dir, name+".key")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key, certPath, keyPath
}

// TLS on tls-port beside the plain port: go-redis and redis-cli --tls,
// with client certificates required by tls-auth-clients yes.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey, caPath, _ := writeCert(t, dir, "ca", true, nil, nil)
	_, _, srvCert, srvKey := writeCert(t, dir, "server", false, ca, caKey)
	_, _, cliCert, cliKey := writeCert(t, dir, "client", false, ca, caKey)
	port, err := testserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	s := startWith(t, "tls-port", strconv.Itoa(port), "tls-cert-file", srvCert, "tls-key-file", srvKey,
		"tls-ca-cert-file", caPath, "tls-auth-clients", "yes")
	// The test helper listens on the plain port itself; open the TLS one.
	if err := s.Server.Listen(); err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	clientPair, err := tls.LoadX509KeyPair(cliCert, cliKey)
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: addr, TLSConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{clientPair}, ServerName: "localhost"}})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Set(ctx, "tls-key", "secret", 0).Err(); err != nil {
		t.Fatalf("go-redis over TLS: %v", err)
	}
	// The plain port serves the same data.
	plain := dial(t, s.Addr, 2)
	expect(t, plain, "$6\r\nsecret\r\n", "GET", "tls-key")

	// Without a client certificate the handshake fails.
	noCert := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1, TLSConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"}})
	defer noCert.Close()
	if err := noCert.Ping(ctx).Err(); err == nil {
		t.Fatal("TLS client without certificate was accepted")
	}

	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		if testserver.RequireRedis() {
			t.Fatal("redis-cli missing")
		}
		return
	}
	out, err := exec.Command(cli, "--tls", "--cacert", caPath, "--cert", cliCert, "--key", cliKey,
		"-h", "127.0.0.1", "-p", strconv.Itoa(port), "GET", "tls-key").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "secret" {
		t.Fatalf("redis-cli --tls: %v %q", err, out)
	}
}

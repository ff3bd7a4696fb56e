// Command labvcsim serves a vCenter (or a standalone ESXi) from govmomi's simulator for the
// siterecovery.vmware lab: over TLS with the lab's certificate, with one set of credentials,
// with the inventory a JSON file describes, and with the simulator's gaps the lab needs closed
// (see README.md). It writes a ready file once it listens and stops by itself after -ttl seconds.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
)

type options struct {
	listen     string
	cert       string
	key        string
	user       string
	password   string
	inventory  string
	ready      string
	ttl        float64
	esx        bool
	datastores string
}

// readyInfo is what the -ready file holds.
type readyInfo struct {
	URL      string `json:"url"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password"`
	PID      int    `json:"pid"`
	Kind     string `json:"kind"`
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("labvcsim", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.2:0", "address:port to listen on (port 0: a free port)")
	fs.StringVar(&o.cert, "cert", "", "PEM certificate (chain) served over TLS (required)")
	fs.StringVar(&o.key, "key", "", "PEM private key of -cert (required)")
	fs.StringVar(&o.user, "user", "administrator@vsphere.local", "the one user name that may log in")
	fs.StringVar(&o.password, "password", os.Getenv("LABVCSIM_PASSWORD"), "its password (required; default: $LABVCSIM_PASSWORD, which keeps it off the command line)")
	fs.StringVar(&o.inventory, "inventory", "", "JSON file describing the inventory (required)")
	fs.StringVar(&o.ready, "ready", "", "file written once listening: JSON {url, host, port, user, password, pid, kind}")
	fs.Float64Var(&o.ttl, "ttl", 3600, "seconds after which the simulator exits by itself")
	fs.BoolVar(&o.esx, "esx", false, "serve a standalone ESXi host (HostAgent) instead of a vCenter")
	fs.StringVar(&o.datastores, "datastores", "", "directory under which the datastores' files go, in a subdirectory removed at exit (default: the system's temporary directory)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() != 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	switch {
	case o.cert == "" || o.key == "":
		return nil, errors.New("-cert and -key are required: the simulator serves TLS only")
	case o.user == "" || o.password == "":
		return nil, errors.New("-user and -password must not be empty")
	case o.inventory == "":
		return nil, errors.New("-inventory is required")
	case o.ttl <= 0:
		return nil, errors.New("-ttl must be positive")
	}
	host, _, err := net.SplitHostPort(o.listen)
	if err != nil {
		return nil, fmt.Errorf("-listen %q: %v", o.listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("-listen %q: only loopback addresses are allowed", o.listen)
	}
	return o, nil
}

func (o *options) kind() string {
	if o.esx {
		return "esx"
	}
	return "vcenter"
}

// writeReady writes the ready file atomically (a reader never sees half of it), mode 0600.
func writeReady(path string, info readyInfo) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := ioutil.TempFile(filepath.Dir(path), ".ready-")
	if err != nil {
		return err
	}
	if _, err = tmp.Write(append(data, '\n')); err == nil {
		err = tmp.Chmod(0o600)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}

func run(o *options) error {
	inv, err := loadInventory(o.inventory)
	if err != nil {
		return err
	}
	certificate, err := tls.LoadX509KeyPair(o.cert, o.key)
	if err != nil {
		return fmt.Errorf("loading -cert/-key: %v", err)
	}

	// The datastores' files go into a directory of this run only (a second run next to it finds no
	// leftover VM directories), removed at exit.
	if o.datastores != "" {
		if err = os.MkdirAll(o.datastores, 0o700); err != nil {
			return err
		}
	}
	datastoreRoot, err := ioutil.TempDir(o.datastores, "labvcsim-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(datastoreRoot)

	extendGuestIDs()
	acceptManagedObjectType()

	var model *simulator.Model
	if o.esx {
		model = simulator.ESX()
	} else {
		model = simulator.VPX()
		model.Datacenter, model.Portgroup, model.Host, model.Cluster, model.ClusterHost = 0, 0, 0, 0, 0
	}
	model.Datastore, model.Machine, model.Autostart = 0, 0, false
	if o.esx {
		model.ServiceContent.About = esxiAbout(model.ServiceContent.About)
	} else {
		model.ServiceContent.About = vcenterAbout(model.ServiceContent.About)
	}
	if err = model.Create(); err != nil {
		return fmt.Errorf("creating the simulator model: %v", err)
	}
	defer model.Remove()

	hooks := installHooks()
	if err = installStorageDrs(model); err != nil {
		return err
	}
	if err = installPropertyCollector(model); err != nil {
		return err
	}

	ctx := context.Background()
	// An in-process client, authenticated as the simulator's internal session.
	client, err := vim25.NewClient(ctx, model.Service)
	if err != nil {
		return err
	}
	builder := &builder{ctx: ctx, client: client, esx: o.esx, root: datastoreRoot, hooks: hooks}
	if err = builder.build(inv); err != nil {
		return fmt.Errorf("building the inventory from %s: %v", o.inventory, err)
	}

	model.Service.Listen = &url.URL{Host: o.listen, User: url.UserPassword(o.user, o.password)}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{certificate}, MinVersion: tls.VersionTLS12}
	server := model.Service.NewServer()

	host, portText, _ := net.SplitHostPort(server.URL.Host)
	port, _ := strconv.Atoi(portText)
	info := readyInfo{
		URL:      fmt.Sprintf("https://%s/sdk", net.JoinHostPort(host, portText)),
		Host:     host,
		Port:     port,
		User:     o.user,
		Password: o.password,
		PID:      os.Getpid(),
		Kind:     o.kind(),
	}
	if o.ready != "" {
		if err = writeReady(o.ready, info); err != nil {
			return fmt.Errorf("writing -ready %s: %v", o.ready, err)
		}
		defer os.Remove(o.ready)
	}
	log.Printf("labvcsim: %s listening on %s (pid %d), stops in %.0f s", info.Kind, info.URL, info.PID, o.ttl)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	select {
	case sig := <-signals:
		log.Printf("labvcsim: %s, stopping", sig)
	case <-time.After(time.Duration(o.ttl * float64(time.Second))):
		log.Printf("labvcsim: ttl of %.0f s reached, stopping", o.ttl)
	}
	// Close waits for the requests in progress; a client's long poll must not keep the simulator alive.
	closed := make(chan struct{})
	go func() {
		server.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		log.Printf("labvcsim: requests still in progress after 5 s, exiting anyway")
	}
	return nil
}

func main() {
	log.SetFlags(log.LstdFlags)
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "labvcsim:", err)
		os.Exit(2)
	}
	if err = run(o); err != nil {
		fmt.Fprintln(os.Stderr, "labvcsim:", err)
		os.Exit(1)
	}
}
